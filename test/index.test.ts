import * as path from 'path';
import { FOLDERS_RUN_BY_ROOT, runCases } from './support/cases';

// The quick test files of test/ and of its small folders (*.cases.ts), run as one jest test file: see runCases.
runCases(__dirname, ...FOLDERS_RUN_BY_ROOT.map(d => path.join(__dirname, d)));
