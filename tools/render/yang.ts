import type { InformationModel } from '../../src/model';
/** Renders the YANG 1.1 module of the model. (Being written.) */
export function renderYang(model: InformationModel): { fileName: string; text: string } {
  return { fileName: `${model.module.yangName}@${model.module.revisions[0].date}.yang`, text: '' };
}
