// The boot file of the `karafka` CLI: `karafka flow --boot sample/dist/karafka.js`.
export { AppModule as default } from './app.module.js';
