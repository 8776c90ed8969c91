// Types for readme-samples.js (plain JS so that `npm run docs:samples` runs without a build step).
export declare const SAMPLES: Record<string, () => Promise<string>>;
export declare function renderReadme(readme: string): Promise<string>;
