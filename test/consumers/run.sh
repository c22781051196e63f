#!/usr/bin/env bash
# Consumer tests: the built packages in dist/, used as a user of each language uses them, and
# synthesized by the real aws-cdk CLI (`cdk synth`, the app command in each app's cdk.json) with no
# AWS credentials at all. The typescript app is the README's quick start, taken from README.md;
# the Python, Java and Go apps build the same 150-tenant gateway in a stack with a concrete env.
# Every app passes `availabilityZones`, so nothing is looked up and no app has a cdk.context.json
# (see the typescript case for what happens without them). test/consumers/check-assembly.ts then
# checks what the CLI wrote (the distributions and DNS records the app should make, no missing
# context, the recommended feature flags of cdk.json in effect).
#
#   bash test/consumers/run.sh typescript   # the README's quick start + cdk-nag, synth with no zones in context, cfn-lint and checkov
#   bash test/consumers/run.sh java         # + JUnit tests of bad input
#   bash test/consumers/run.sh go           # + go test of bad input
#   bash test/consumers/run.sh python       # from test/python/run.sh, with its fresh venv first on PATH
#
# Run from anywhere after `npx projen package-all` (or the one package:<language> it needs).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
language=${1:-}
APP=test/consumers/$language
case "$language" in typescript | python | java | go) ;; *)
  echo "usage: test/consumers/run.sh typescript|python|java|go" >&2
  exit 2
  ;;
esac
started=$SECONDS
step() { echo "== $language consumer: $* (at $((SECONDS - started)) s)"; }
die() { echo "test/consumers/run.sh $language: $*" >&2; exit 1; }

# The one file matching a pattern in dist/, or a clear error.
built() {
  shopt -s nullglob
  local files=($1)
  shopt -u nullglob
  [ "${#files[@]}" -eq 1 ] || die "expected one $1, found ${#files[@]} (${files[*]:-none}); run 'npx projen $2' first"
  echo "${files[0]}"
}

# No AWS credentials of any kind: no AWS_* variables, empty config and credentials files, no
# instance metadata. The CLI's telemetry and notices stay off, so it talks to no one.
no_credentials=$(mktemp -d)
trap 'rm -rf "$no_credentials"' EXIT
: >"$no_credentials/config"
: >"$no_credentials/credentials"
for variable in $(compgen -e | grep '^AWS_' || true); do unset "$variable"; done
export AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=$no_credentials/config
export AWS_SHARED_CREDENTIALS_FILE=$no_credentials/credentials
export CDK_DISABLE_CLI_TELEMETRY=true
# Every jsii process (each app, each test) prints a banner that Node 20 is past its end of life;
# package-all has shown it already.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export PATH=$ROOT/node_modules/.bin:$PATH

# `cdk synth` in the app's directory, as a user runs it.
synth() {
  (cd "$APP" && cdk synth --quiet --no-notices "$@")
}

# Type-checked by jest (test/consumers/assembly.test.ts) and eslint; here only run.
check() {
  ts-node --transpile-only --project tsconfig.dev.json test/consumers/check-assembly.ts "$APP" "$@"
}

case "$language" in
typescript)
  # The app is the README's quick start, copied from README.md unedited (the fenced blocks after
  # the markers `<!-- consumer-test: app.ts -->` and `<!-- consumer-test: tenants.json -->`), so
  # the README and this test cannot drift. It runs in a directory of its own with the package
  # installed: `npm install` of the tarball, minus the download (its files under node_modules, next
  # to the project's own aws-cdk-lib, the version the tests pin, constructs and cdk-nag). cdk.json
  # preloads nag.ts, which adds cdk-nag's AwsSolutionsChecks. The directory is under .cache:
  # jsii-docgen takes any .jsii it finds below the project outside dot-directories for the
  # project's own, so an installed copy anywhere else would end up in API.md.
  readme_block() {
    awk -v marker="<!-- consumer-test: $1 -->" '
      found && /^```/ { if (inside) exit; inside = 1; next }
      inside { print; next }
      $0 == marker { found = 1 }' README.md
  }
  tarball=$(built 'dist/js/cdk-multi-tenant-gateway@*.jsii.tgz' package:js)
  step "install $tarball"
  rm -rf "$APP/node_modules" "$APP/cdk.out" # where earlier versions of this script installed it
  app_source=$APP
  APP=.cache/consumers/typescript
  rm -rf "$APP"
  mkdir -p "$APP/node_modules/cdk-multi-tenant-gateway"
  cp "$app_source"/{cdk.json,tsconfig.json,nag.ts} "$APP/"
  for file in app.ts tenants.json; do
    readme_block "$file" >"$APP/$file"
    [ -s "$APP/$file" ] || die "README.md has no fenced block after <!-- consumer-test: $file -->"
  done
  tar -xzf "$tarball" -C "$APP/node_modules/cdk-multi-tenant-gateway" --strip-components=1
  echo "   aws-cdk-lib $(node -p "require('aws-cdk-lib/package.json').version"), aws-cdk CLI $(cdk --version)"

  step "cdk synth of the README's quick start"
  synth
  check --nag --readme-quick-start

  # The README says: a stack whose env names an account needs the region's zones, which the CLI
  # looks up with credentials unless `availabilityZones` names them. Two variants of the quick
  # start show it, run from a directory holding copies of cdk.json and tenants.json (ts-node
  # without a second type-check): with an account, and with an account minus `availabilityZones`.
  step "cdk synth of the quick start with an account in env, with and without availabilityZones"
  variant() { # <name> <sed script>: the quick start edited by the script, which must change it
    sed "$2" "$APP/app.ts" >"$APP/$1.ts"
    ! cmp -s "$APP/app.ts" "$APP/$1.ts" || die "the README's quick start no longer has what the $1 variant edits ($2)"
  }
  variant with-account "s/env: { region: 'us-east-1' }/env: { account: '123456789012', region: 'us-east-1' }/"
  variant without-zones "s/env: { region: 'us-east-1' }/env: { account: '123456789012', region: 'us-east-1' }/; /availabilityZones:/d"
  synth_variant() {
    local cwd status
    cwd=$(mktemp -d)
    cp "$APP/cdk.json" "$APP/tenants.json" "$cwd/"
    (cd "$cwd" && cdk synth --quiet --no-notices --output "$cwd/cdk.out" \
      --app "ts-node --transpile-only --project $ROOT/$APP/tsconfig.json $ROOT/$APP/$1.ts" 2>&1) && status=0 || status=$?
    rm -rf "$cwd"
    return $status
  }
  no_credentials_error='Need to perform AWS calls for account 123456789012, but no credentials have been configured'
  if output=$(synth_variant without-zones); then
    die "cdk synth with an account and without availabilityZones succeeded with no credentials"
  fi
  grep -qF "$no_credentials_error" <<<"$output" ||
    { echo "$output" | tail -20 >&2; die "cdk synth without availabilityZones failed, but not with \"$no_credentials_error\""; }
  echo "   with an account, without availabilityZones: fails, \"$no_credentials_error\""
  output=$(synth_variant with-account) ||
    { echo "$output" | tail -20 >&2; die "cdk synth with an account and availabilityZones failed"; }
  echo "   with an account and availabilityZones: no lookup, no credentials needed"

  step "cfn-lint and checkov over the templates"
  bash scripts/lint-templates.sh "consumer=$APP/cdk.out"
  ;;

python)
  # test/python/run.sh puts its fresh venv (the built wheel installed) first on PATH.
  python3 -c 'import cdk_multi_tenant_gateway' 2>/dev/null ||
    die "python3 cannot import cdk_multi_tenant_gateway; run this through test/python/run.sh"
  rm -rf "$APP/cdk.out"
  step "cdk synth"
  synth
  check
  ;;

java)
  # The artifact from dist/java as a local repository; aws-cdk-lib, constructs and the jsii
  # runtime from Maven Central at the versions its pom declares. The local Maven repository is the
  # one package:java filled in this run; the artifact's own copy there is dropped first, so it
  # always comes from dist/java.
  pom=$(built 'dist/java/io/github/cdk-multi-tenant-gateway/cdk-multi-tenant-gateway/*/cdk-multi-tenant-gateway-*.pom' package:java)
  version=$(basename "$(dirname "$pom")")
  repository=$ROOT/.cache/maven-repository # package:java's (MAVEN_REPOSITORY in projenrc/consumers.ts)
  rm -rf "$repository/io/github/cdk-multi-tenant-gateway" "$APP/target" "$APP/cdk.out"
  step "mvn test (cdk-multi-tenant-gateway $version from dist/java)"
  (cd "$APP" && MAVEN_OPTS="${MAVEN_OPTS:-} -XX:+TieredCompilation -XX:TieredStopAtLevel=1" \
    mvn --batch-mode --no-transfer-progress -Dmaven.repo.local="$repository" \
    -Dgateway.version="$version" -Ddist.repository="file://$ROOT/dist/java" test)
  echo # Maven ends without a newline (a colour reset)
  step "cdk synth"
  synth
  check
  ;;

go)
  # The module in dist/go through the replace directive in go.mod; aws-cdk-go, constructs-go and
  # the jsii runtime at the versions its go.mod requires. The module and build caches are Go's
  # own, which package:go filled in this run.
  built 'dist/go/cdkmultitenantgateway/go.mod' package:go >/dev/null
  rm -rf "$APP/cdk.out"
  step "go mod tidy -diff (go.mod and go.sum match what dist/go requires)"
  (cd "$APP" && go mod tidy -diff) ||
    die "test/consumers/go/go.mod or go.sum is out of date with dist/go; run 'go mod tidy' there and commit the result"
  step "go test"
  (cd "$APP" && go test -count=1 ./...)
  step "cdk synth"
  synth
  check
  ;;
esac

step "done"
