#!/usr/bin/env node
// The `claudelens` command. It lives outside dist/ so that npm links it at install time: on a
// fresh clone dist/ is built afterwards (the root's `prepare`), and npm links no bin whose file
// is missing, so `npx claudelens` answered "not found" until the next `npm install`.
import '../dist/cli/main.js';
