import Alpine from '@alpinejs/csp';
import { dashboard, startFirstLoad } from './dashboard.ts';

startFirstLoad(window.location.search);
Alpine.data('dashboard', dashboard);
Alpine.start();
