/** Stylesheets are imported for their effect; webpack extracts them into the app's .css file. */
declare module '*.css';
