import { buildAll } from '../../cli/build.ts';

/**
 * Vitest global setup: one build of the CLI and the dashboard for the whole run, so every whole-process
 * test starts the compiled `stocks-cli` as a user does, and none of them pays for (or races on) a rebuild.
 */
export default async function setup(): Promise<void> {
  await buildAll();
}
