package dev.mercato.app.plane;

import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The statements that cost the database most, per capability, for an operator chasing a slow path. */
@RestController
@RequestMapping("/api/v1/plane/statements")
class StatementsController {

    private final TopStatements statements;

    StatementsController(TopStatements statements) {
        this.statements = statements;
    }

    record StatementsPage(List<TopStatements.TopStatement> items) {}

    @GetMapping
    @Operation(
            operationId = "listTopStatements",
            tags = "Data plane",
            summary = "List the statements with the most database time",
            description = "From PostgreSQL's pg_stat_statements since its last reset, heaviest first; each"
                    + " capability runs as its own role, so each statement names its capability.")
    @ApiResponse(responseCode = "200", description = "Statements, heaviest first")
    @ApiResponse(
            responseCode = "503",
            description = "statements-unavailable: the server does not record statement statistics")
    StatementsPage top(
            @RequestParam(defaultValue = "20") int limit,
            @RequestParam(required = false, defaultValue = "") String capability,
            Caller caller) {
        caller.requireRole(Role.ADMIN);
        if (limit < 1 || limit > 500) {
            throw new InvalidInput("limit", "must be between 1 and 500");
        }
        if (!capability.isEmpty() && !capability.matches("[a-z][a-z0-9_]{0,40}")) {
            throw new InvalidInput("capability", "must be a capability's name, e.g. orders");
        }
        return new StatementsPage(statements.top(limit, capability));
    }
}
