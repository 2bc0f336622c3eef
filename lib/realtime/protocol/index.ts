export * from './channels';
export * from './codes';
export * from './messages';
