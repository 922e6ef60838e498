import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A plugin's tests may sit next to it (docs/plugins.md).
    include: ['test/**/*.test.ts', 'plugins-local/**/*.test.ts'],
    // A timeout catches a test that hangs; speed is the benchmarks' to judge. In a full run on two
    // cores a test takes two to four times as long as alone (one of 8 s alone took over 30 s).
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for what the server does by itself (a workflow's update, a frame, a redraw):
    // its 1 s default is short for a loaded CI machine, and a longer wait only costs a test that fails.
    expect: { poll: { timeout: 10_000 } },
    // Two cores: workflow bundling and the embedded servers are CPU-heavy, so keep files from starving each other.
    maxWorkers: 2,
  },
});
