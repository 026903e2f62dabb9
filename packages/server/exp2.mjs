import { startServer } from './dist/cli/startServer.js';
import { loadLiveConfig } from './dist/config/liveConfig.js';
import { registeredRoutes } from './dist/api/auth.js';
import os from 'node:os'; import fs from 'node:fs'; import http from 'node:http';
const s = await startServer({ claudeDirs: ['/tmp/sec-http-home'], dataDir: fs.mkdtempSync(os.tmpdir()+'/x'), databaseUrl: null, pricesFile: null }, { host: '127.0.0.1', port: 0, live: loadLiveConfig(null), token: 'T' });
const port = new URL(s.url).port;
const UP = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };
function send(method, path, headers) { return new Promise((res) => { const r = http.request({ host: '127.0.0.1', port, method, path, headers: { connection: 'close', ...headers }, agent: false }); r.on('response', (x) => { x.resume(); x.on('end', () => res(x.statusCode)); }); r.on('upgrade', (x, sock) => { sock.destroy(); res(101); }); r.on('error', (e) => res(e.message)); r.end(); }); }
console.log((await fetch(s.url + '/api/v1/sessions', { headers: { authorization: 'Bearer T' } })).status);
const hex = (c, upper = false) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')[upper ? 'toUpperCase' : 'toLowerCase']()}`;

/** The same path spelled as an attacker would: encodings, dot segments, slashes, case, trailers. */
function spellings(path) {
  const segments = path.split('/').slice(1);
  const [first = '', ...rest] = segments;
  const after = rest.join('/');
  const tail = rest.length > 0 ? `/${after}` : '';
  const list = [['plain', path]];
  segments.forEach((segment, i) => {
    const at = [...segment].findIndex((c) => /[a-z]/i.test(c));
    if (at < 0) return;
    const spelled = segments.map((s, j) => (j === i ? s.slice(0, at) + hex(s.charAt(at)) + s.slice(at + 1) : s));
    list.push([`letter of segment ${i} encoded`, `/${spelled.join('/')}`]);
  });
  list.push(
    ['first segment encoded, upper-case hex', `/${[...first].map((c) => hex(c, true)).join('')}${tail}`],
    ['slashes encoded %2F', `/${segments.join('%2F')}`],
    ['slashes encoded %2f', `/${segments.join('%2f')}`],
    ['double encoding', `/%25${hex(first.charAt(0)).slice(1)}${first.slice(1)}${tail}`],
    ['double-encoded slash', `/${segments.join('%252f')}`],
    ['leading //', `/${path}`],
    ['inner //', rest.length > 0 ? `/${first}//${after}` : `${path}//`],
    ['/./ prefix', `/.${path}`],
    ['%2e segment', `/%2e${path}`],
    ['x/.. inside', rest.length > 0 ? `/${first}/x/../${after}` : `/x/..${path}`],
    ['x/%2e%2e inside', rest.length > 0 ? `/${first}/x/%2e%2e/${after}` : `/x/%2e%2e${path}`],
    ['upper case', path.toUpperCase()],
    ['first segment upper case', `/${first.toUpperCase()}${tail}`],
    ['backslash', rest.length > 0 ? `/${first}\\${after}` : `\\${path.slice(1)}`],
    ['encoded backslash', rest.length > 0 ? `/${first}%5c${after}` : `/%5c${path.slice(1)}`],
    ['overlong slash', rest.length > 0 ? `/${first}%c0%af${after}` : `/%c0%af${path.slice(1)}`],
    ['trailing ?', `${path}?`],
    ['trailing ?x=1', `${path}?x=1`],
    ['trailing #', `${path}#`],
    ['trailing ;', `${path};`],
    ['trailing ;x', `${path};jsessionid=1`],
    ['trailing /', `${path}/`],
    ['trailing %20', `${path}%20`],
    ['trailing %00', `${path}%00`],
  );
  return list;
}


const only = process.argv[2];
for (const r of registeredRoutes(s.app).filter(r => !r.public)) {
  const p = r.url.replace(/:\w+/g, 'abc');
  for (const [label, q] of spellings(p)) { if (only && label !== only) continue; await send(r.method, q, {}); if (r.method === 'GET') await send('GET', q, UP); }
}
s.app.server.getConnections((e, n) => console.log('open connections', n));
const t = Date.now(); await Promise.race([s.close(), new Promise(r => setTimeout(r, 5000))]); console.log(only, 'close took', Date.now() - t); process.exit(0);
