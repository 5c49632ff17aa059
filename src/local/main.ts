import { defaultIo } from '../cli/io';
import { main } from '../cli/main';

// `npm start [-- options]`: the same as `edge-auth local [options]`.
main(['local', ...process.argv.slice(2)], defaultIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
