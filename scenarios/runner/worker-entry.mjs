// Worker thread entry: registers tsx (TypeScript on the fly) in this thread, then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
