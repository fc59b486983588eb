import { vitestConfig } from '@mastercom/tooling/vitest';

export default vitestConfig({ test: { include: ['src/**/*.test.ts'] } });
