/** The longest message body, in characters (checked by the services, the table and the composer). Browser-safe. */
export const MAX_MESSAGE_CHARS = 5000;
