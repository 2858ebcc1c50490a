import type { InformationModel } from '../../src/model';
/** Renders clause 7 of the Recommendation from the model. (Being written.) */
export function renderDocs(model: InformationModel): string { return `# ${model.module.mibName}\n`; }
