#!/usr/bin/env node
import { consoleReporter } from '../src/commands/reporter.js';
import { run } from './program.js';

process.exitCode = await run(process.argv.slice(2), { cwd: process.cwd(), env: process.env, reporter: consoleReporter });
