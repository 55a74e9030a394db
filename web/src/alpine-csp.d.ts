// Alpine's CSP build has the same API as alpinejs but ships no types of its own.
declare module '@alpinejs/csp' {
  import Alpine from 'alpinejs';
  export default Alpine;
}
