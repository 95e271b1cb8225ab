#!/usr/bin/env node
/** The `tsunagu` command. */
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../core/index.js';
import { AVAILABLE_COMPONENTS, COMPONENTS, startHub } from './hub.js';

const program = new Command();
program.name('tsunagu').description('City OS hub: NGSI-LD context broker, IoT agent, JP-Link bridge, consent and open-data catalog');

program
  .command('start')
  .description(`start the hub; components: ${COMPONENTS.join(', ')} (default: all available — ${AVAILABLE_COMPONENTS.join(', ')})`)
  .argument('[components...]', 'components to run in this process')
  .option('--port <n>', 'HTTP port for every API (TSUNAGU_PORT, default 1026)')
  .option('--host <address>', 'listening address (TSUNAGU_HOST, default 127.0.0.1)')
  .option('--data-dir <dir>', 'folder for embedded storage (TSUNAGU_DATA_DIR, default ./tsunagu-data)')
  .option('--database-url <url>', 'postgres://… to use PostgreSQL+PostGIS (TSUNAGU_DATABASE_URL)')
  .option('--log-level <level>', 'log level (TSUNAGU_LOG_LEVEL, default info)')
  .option('--public-url <url>', 'URL clients use to reach the hub (TSUNAGU_PUBLIC_URL)')
  .option('--config <file>', 'JSON file of settings (TSUNAGU_CONFIG)')
  .action(async (components: string[], flags: Record<string, string | undefined>) => {
    const { config: configFile, ...rest } = flags;
    const cliFlags: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rest)) {
      if (v !== undefined) cliFlags[k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())] = v;
    }
    let config;
    try {
      config = loadConfig({ flags: cliFlags, ...(configFile ? { configFile } : {}) });
    } catch (err) {
      if (err instanceof ConfigError) {
        console.error(`tsunagu: configuration error: ${err.message}`);
        process.exit(2);
      }
      throw err;
    }
    let hub;
    try {
      hub = await startHub({ config, components });
    } catch (err) {
      console.error(`tsunagu: cannot start: ${(err as Error).message}`);
      process.exit(1);
    }
    console.error(`tsunagu: NGSI-LD API at ${hub.url}/ngsi-ld/v1/ (Ctrl-C stops)`);
    let signals = 0;
    const shutdown = (signal: string) => {
      if (++signals > 1) {
        console.error('tsunagu: forced exit');
        process.exit(130);
      }
      hub.logger.info({ signal }, 'shutting down');
      hub.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(`tsunagu: error while stopping: ${(err as Error).message}`);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  });

await program.parseAsync(process.argv);
