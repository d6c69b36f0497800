/** True when the environment variable CI is exactly 'true'. */
export declare const inCI: boolean
