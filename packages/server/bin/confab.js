#!/usr/bin/env node
// The `confab` command: runs the compiled CLI (`npm run build` produces it; `npm install` runs the build).
import '../dist/main.js';
