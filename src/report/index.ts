/**
 * The reporters a run writes, in order. The terminal reporter comes last so it can list the files the others wrote.
 * A new format: a file exporting a {@link Reporter}, and one entry here.
 */
import type { Reporter } from './reporter.ts';
import { summaryReporter } from './summary.ts';
import { junitReporter } from './junit.ts';
import { markdownReporter } from './markdown.ts';
import { allureReporter } from './allure.ts';
import { observationsReporter } from './observations.ts';

/** Reporters that write files, in the order they run (summary.json first: the terminal names it as the summary). */
export const FILE_REPORTERS: Reporter[] = [summaryReporter, junitReporter, markdownReporter, allureReporter, observationsReporter];
