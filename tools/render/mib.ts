import type { InformationModel } from '../../src/model';
/** Renders the SMIv2 MIB module of the model. (Being written.) */
export function renderMib(model: InformationModel): string { return `-- ${model.module.mibName}\n`; }
