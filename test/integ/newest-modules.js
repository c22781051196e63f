// Preloaded into the integration test apps (test/integ/run.sh): aws-cdk-lib, constructs and
// @aws-cdk/integ-tests-alpha resolve from the scratch folder INTEG_DIR, for the test and the
// library source it imports alike, so one copy of each is loaded (as jest's moduleNameMapper
// does for test:newest-cdk).
const Module = require('module');
const path = require('path');

const scratch = path.resolve(process.env.INTEG_DIR);
const MAPPED = /^(aws-cdk-lib|constructs|@aws-cdk\/integ-tests-alpha)(\/|$)/;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, isMain, options) {
  return MAPPED.test(request)
    ? resolve.call(this, request, parent, isMain, { paths: [scratch] })
    : resolve.call(this, request, parent, isMain, options);
};
