/** The repository's root directory. */
export declare const root: string;
/** Why dist/ needs a build, or null when it is up to date. */
export declare function whyRebuild(): string | null;
/** Builds dist/ with tsup if it is missing or older than its sources; one build at a time. */
export declare function ensureBuilt(options?: { log?: (line: string) => void }): Promise<void>;
