// Runs a command and measures its wall time and peak resident memory by sampling /proc, so the
// benchmark needs no /usr/bin/time. Threads share one address space, so a process's VmHWM
// already covers all of its threads; child processes are sampled too and their peaks summed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

const SAMPLE_MS = 20;

/** Peak and current RSS of one process in KiB, or undefined once it is gone (or a zombie). */
function readRss(pid) {
  let status;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return Math.max(kib('VmHWM'), kib('VmRSS'));
}

/** The process and all its descendants, via /proc/<pid>/task/<tid>/children. */
function processTree(pid) {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    let tids = [];
    try {
      tids = fs.readdirSync(`/proc/${pids[i]}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const children = fs.readFileSync(`/proc/${pids[i]}/task/${tid}/children`, 'utf8').trim();
        if (children) pids.push(...children.split(/\s+/).map(Number));
      } catch {
        // the thread ended between readdir and read
      }
    }
  }
  return pids;
}

/**
 * Runs `command args` and resolves { code, signal, wallS, peakRssMiB, stdout, stderr }.
 * With `stdoutFile`, stdout goes to that file instead of being collected.
 */
export function runMeasured(command, args, { env = process.env, stdoutFile } = {}) {
  return new Promise((resolve, reject) => {
    const outFd = stdoutFile ? fs.openSync(stdoutFile, 'w') : 'pipe';
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', outFd, 'pipe'] });
    if (typeof outFd === 'number') fs.closeSync(outFd);
    const peaks = new Map();
    const sample = () => {
      for (const pid of processTree(child.pid)) {
        const rss = readRss(pid);
        if (rss !== undefined) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, rss));
      }
    };
    sample();
    const timer = setInterval(sample, SAMPLE_MS);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    let wallS;
    child.on('exit', () => {
      wallS = (performance.now() - started) / 1000;
      clearInterval(timer);
    });
    child.on('close', (code, signal) => {
      clearInterval(timer);
      wallS ??= (performance.now() - started) / 1000;
      const peakKiB = [...peaks.values()].reduce((a, b) => a + b, 0);
      resolve({ code, signal, wallS, peakRssMiB: peakKiB / 1024, stdout, stderr });
    });
  });
}
