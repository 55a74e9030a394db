import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildDashboard } from '../web/build.ts';
import { buildStockWinnersApp } from './stock-winners-app.ts';

// The site is built fresh from web/ on every synth, into a private directory: what deploys is always
// what the sources say, and a synth never rewrites the web/dist that `stocks-cli serve` is serving.
const siteDirectory = path.join(tmpdir(), 'stock-winners-site', randomUUID());
try {
  await buildDashboard(siteDirectory);
  const app = new App();
  buildStockWinnersApp(app, { siteDirectory });
  app.synth();
} finally {
  await rm(siteDirectory, { recursive: true, force: true });
}
