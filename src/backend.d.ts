/** This JS thread's backend, chosen once at load. */
export declare const backend: 'uv' | 'reactor';
