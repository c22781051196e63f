// A Go user's app: the published module (through the replace directive in go.mod), run by the
// aws-cdk CLI (`cdk synth`, see cdk.json). It builds the same gateway as the other consumers: 150
// tenants in a stack with a concrete env, the Availability Zones named, and an output per
// distribution.
package main

import (
	"encoding/json"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/jsii-runtime-go"
	gateway "github.com/cdk-multi-tenant-gateway/cdk-multi-tenant-gateway-go/cdkmultitenantgateway"
)

// tenantsJSON is the tenants file for count single-domain tenants: tenant-0 (tenant-0.example.com) and on.
func tenantsJSON(count int) string {
	type tenant struct {
		ID          string   `json:"id"`
		DomainNames []string `json:"domainNames"`
	}
	tenants := make([]tenant, count)
	for i := range tenants {
		tenants[i] = tenant{ID: fmt.Sprintf("tenant-%d", i), DomainNames: []string{fmt.Sprintf("tenant-%d.example.com", i)}}
	}
	text, err := json.Marshal(map[string][]tenant{"tenants": tenants})
	if err != nil {
		panic(err)
	}
	return string(text)
}

// newStack is a stack with a concrete env, as every consumer app makes it.
func newStack(app awscdk.App) awscdk.Stack {
	return awscdk.NewStack(app, jsii.String("ConsumerGateway"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")},
	})
}

// newGateway is the gateway every consumer app builds, for the given tenants.
func newGateway(stack awscdk.Stack, tenants gateway.Tenants) gateway.MultiTenantGateway {
	return gateway.NewMultiTenantGateway(stack, jsii.String("Gateway"), &gateway.MultiTenantGatewayProps{
		Tenants: tenants,
		HostedZone: awsroute53.HostedZone_FromHostedZoneAttributes(stack, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{
			HostedZoneId: jsii.String("Z0123456789EXAMPLE"),
			ZoneName:     jsii.String("example.com"),
		}),
		DistributionCertificate: awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("EdgeCertificate"),
			jsii.String("arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555")),
		LoadBalancerCertificates: &[]awscertificatemanager.ICertificate{
			awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("OriginCertificate"),
				jsii.String("arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000")),
		},
		AvailabilityZones:   jsii.Strings("us-east-1a", "us-east-1b"),
		WebAclId:            jsii.String("arn:aws:wafv2:us-east-1:123456789012:global/webacl/gateway/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"),
		DistributionLogging: jsii.Bool(true),
	})
}

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	stack := newStack(app)
	gw := newGateway(stack, gateway.Tenants_FromJson(jsii.String(tenantsJSON(150)), jsii.String("tenants.json")))
	for i, distribution := range *gw.Distributions() {
		awscdk.NewCfnOutput(stack, jsii.String(fmt.Sprintf("Distribution%d", i)), &awscdk.CfnOutputProps{
			Value: distribution.DistributionDomainName(),
		})
	}
	app.Synth(nil)
}
