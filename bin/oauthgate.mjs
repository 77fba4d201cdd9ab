#!/usr/bin/env node
// Entry point: Node 20 cannot run TypeScript, so register tsx's loader and hand over to the CLI.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
