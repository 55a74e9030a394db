import { dashboard, startFirstLoad } from './dashboard.ts';

// The winners request goes out before Alpine's module is evaluated: evaluating it (it scans every
// global for its CSP evaluator) takes tens of milliseconds that the request can spend on the network.
startFirstLoad(window.location.search);
void import('@alpinejs/csp').then(({ default: Alpine }) => {
  Alpine.data('dashboard', () => dashboard(Alpine.mutateDom));
  Alpine.start();
});
