import Alpine from 'alpinejs';
import { dashboard } from './dashboard.ts';

Alpine.data('dashboard', dashboard);
Alpine.start();
