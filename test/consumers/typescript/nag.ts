// Preloaded by cdk.json (`ts-node -r ./nag.ts app.ts`): the app is the README's quick start,
// copied unedited, so cdk-nag's AwsSolutionsChecks is added here, to every App it synthesizes.
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

const synth = App.prototype.synth;
App.prototype.synth = function (this: App, ...args: Parameters<App['synth']>) {
  Aspects.of(this).add(new AwsSolutionsChecks());
  return synth.apply(this, args);
};
