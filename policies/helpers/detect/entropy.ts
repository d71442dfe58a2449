/** Moved to lib/detect/ so the foundation's input echo (lib/quote-input.ts) can use it; rules keep importing it from here. */
export * from '../../../lib/detect/entropy';
