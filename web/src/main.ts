import { startDashboard } from './dashboard.ts';

startDashboard(document, window.location.search);
