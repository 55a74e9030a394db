import { dashboard, paintFirstAnswer, startFirstLoad } from './dashboard.ts';

/**
 * How long the table may wait for the first answer before Alpine starts without it. `stocks-cli serve`
 * has answered by the time this script runs; a slower API (a Lambda starting cold) keeps the page's
 * controls waiting no longer than this, and the component shows its answer when it comes, as before.
 */
const FIRST_PAINT_WAIT_MS = 100;

/** After the browser has painted a frame (rAF, then a task); a hidden tab paints none, so the wait is bounded. */
function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, FIRST_PAINT_WAIT_MS);
  });
}

// The winners request goes out, and its table is drawn, before Alpine's module is evaluated: evaluating
// it (it scans every global for its CSP evaluator) and starting it take 100 ms and more that the table
// no longer waits for. Alpine then starts on the page with the table already in it, and takes it over.
startFirstLoad(window.location.search);
void paintFirstAnswer(FIRST_PAINT_WAIT_MS)
  .then((painted) => (painted ? afterNextPaint() : undefined))
  .then(() => import('@alpinejs/csp'))
  .then(({ default: Alpine }) => {
    Alpine.data('dashboard', () => dashboard(Alpine.mutateDom));
    Alpine.start();
  });
