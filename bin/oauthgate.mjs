#!/usr/bin/env node
// Entry point: Node 20 cannot run TypeScript, so register tsx's loader and hand over to the CLI.
import { register } from 'tsx/esm/api';
register();
const { main, guardProcess } = await import('../src/cli/main.ts');
guardProcess();
const code = await main(process.argv.slice(2));
// Interrupted: the partial summary is written; requests still in flight must not keep the process alive.
if (code === 130) process.exit(code);
process.exitCode = code;
