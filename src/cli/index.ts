// Public entry of the tsunagu command and of the hub as a library.
export { startHub, allMigrations, chooseComponents, COMPONENTS, AVAILABLE_COMPONENTS } from './hub.js';
export type { Hub, StartOptions, ComponentName } from './hub.js';
