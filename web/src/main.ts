import Alpine from '@alpinejs/csp';
import { dashboard } from './dashboard.ts';

Alpine.data('dashboard', dashboard);
Alpine.start();
