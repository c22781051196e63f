// Bad input reaches a Java user as an exception whose message names the bad value.
package consumer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkmultitenantgateway.TenantProps;
import io.github.cdkmultitenantgateway.Tenants;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;

class BadInputTest {
    private static void assertNames(RuntimeException error, String... values) {
        for (String value : values) {
            assertTrue(error.getMessage().contains(value), () -> "\"" + value + "\" not named in: " + error.getMessage());
        }
    }

    @Test
    void upperCaseTenantIdIsNamed() {
        RuntimeException error = assertThrows(RuntimeException.class, () -> Tenants.fromList(List.of(
                TenantProps.builder().id("Acme").domainNames(List.of("acme.example.com")).build())));
        assertNames(error, "\"Acme\"", "lower-case");
    }

    @Test
    void invalidDomainIsNamed() {
        RuntimeException error = assertThrows(RuntimeException.class, () -> Tenants.fromJson(
                "{\"tenants\": [{\"id\": \"acme\", \"domainNames\": [\"acme..example.com\"]}]}", "tenants.json"));
        assertNames(error, "tenants.json", "\"acme..example.com\"");
    }

    @Test
    void domainOutsideTheHostedZoneIsNamed() {
        Stack stack = GatewayApp.stack(new App());
        RuntimeException error = assertThrows(RuntimeException.class, () -> GatewayApp.gateway(stack, Tenants.fromList(List.of(
                TenantProps.builder().id("elsewhere").domainNames(List.of("shop.example.org")).build()))));
        assertNames(error, "\"shop.example.org\"", "\"example.com\"");
    }
}
