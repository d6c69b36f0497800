/**
 * What an argument is called in an error: a name, or a name, an index and a
 * part whose text is made only when an error needs it (try_send_many checks
 * one view and may check one address per message, and a string built for
 * each would cost more than the check).
 */
export type Label = string | {
    readonly name: string;
    readonly index: number;
    readonly part: string;
};
/** The text of `what`, with ` suffix` when one is given. */
export declare function labelText(what: Label, suffix?: string): string;
