import { vitestConfig } from './vitest.js';

export default vitestConfig({ test: { include: ['*.test.ts'] } });
