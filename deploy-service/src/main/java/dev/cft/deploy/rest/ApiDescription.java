package dev.cft.deploy.rest;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The OpenAPI description's header ({@code /q/openapi}): keys are opaque bearer tokens, as OpenAI
 * clients send them; which routes need one is in {@code docs/fine-tuning-api.md} and the README.
 */
@OpenAPIDefinition(
    info = @Info(title = "deploy-service", version = "1"),
    security = @SecurityRequirement(name = "bearer"),
    components =
        @Components(
            securitySchemes =
                @SecurityScheme(
                    securitySchemeName = "bearer",
                    type = SecuritySchemeType.HTTP,
                    scheme = "bearer",
                    description =
                        "an API or admin key (CFT_DEPLOY_KEYS_API, CFT_DEPLOY_KEYS_ADMIN)")))
public class ApiDescription extends Application {}
