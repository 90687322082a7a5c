import { runCases } from '../support/cases';

// The quick test files of this folder (*.cases.ts), run as one jest test file: see runCases.
runCases(__dirname);
