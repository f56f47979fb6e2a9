// Entry of dist/action.js, which action.yml runs.
import { runAction } from './action.js';

process.exitCode = await runAction(process.env);
