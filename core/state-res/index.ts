// State resolution: public names (re-exported by core/index.ts).
export {};
