package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	gateway "github.com/cdk-multi-tenant-gateway/cdk-multi-tenant-gateway-go/cdkmultitenantgateway"
)

// Bad input reaches a Go user as a panic whose message names the bad value.
func expectPanicNaming(t *testing.T, build func(), values ...string) {
	t.Helper()
	defer func() {
		recovered := recover()
		if recovered == nil {
			t.Fatalf("no panic; expected one naming %q", values)
		}
		message := fmt.Sprint(recovered)
		for _, value := range values {
			if !strings.Contains(message, value) {
				t.Errorf("%q not named in: %s", value, message)
			}
		}
	}()
	build()
}

func TestUpperCaseTenantIdIsNamed(t *testing.T) {
	expectPanicNaming(t, func() {
		gateway.Tenants_FromList(&[]*gateway.TenantProps{{Id: jsii.String("Acme"), DomainNames: jsii.Strings("acme.example.com")}})
	}, `"Acme"`, "lower-case")
}

func TestInvalidDomainIsNamed(t *testing.T) {
	expectPanicNaming(t, func() {
		gateway.Tenants_FromJson(jsii.String(`{"tenants": [{"id": "acme", "domainNames": ["acme..example.com"]}]}`), jsii.String("tenants.json"))
	}, "tenants.json", `"acme..example.com"`)
}

func TestDomainOutsideTheHostedZoneIsNamed(t *testing.T) {
	stack := newStack(awscdk.NewApp(nil))
	expectPanicNaming(t, func() {
		newGateway(stack, gateway.Tenants_FromList(&[]*gateway.TenantProps{{Id: jsii.String("elsewhere"), DomainNames: jsii.Strings("shop.example.org")}}))
	}, `"shop.example.org"`, `"example.com"`)
}

func TestTenantsFileIsValid(t *testing.T) {
	if tenants := gateway.Tenants_FromJson(jsii.String(tenantsJSON(150)), jsii.String("tenants.json")); len(*tenants.List()) != 150 {
		t.Fatalf("expected 150 tenants, got %d", len(*tenants.List()))
	}
}
