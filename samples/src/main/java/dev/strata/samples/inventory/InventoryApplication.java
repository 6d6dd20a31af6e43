package dev.strata.samples.inventory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.resilience.annotation.EnableResilientMethods;

/**
 * A small inventory service on Strata: items with a stock quantity, and every change to the
 * quantity kept as a numbered stock movement. The starter opens the database in {@code ./data}
 * (see {@code application.properties}); nothing here configures it. Stock changes are
 * {@code @Transactional} methods on the starter's {@code strataTransactionManager}, re-run on a
 * conflict by Spring's {@code @Retryable}, which {@link EnableResilientMethods} turns on. Run from
 * the repository root: {@code mvn -pl samples -am spring-boot:run}, then see the README's curl
 * walkthrough.
 */
@SpringBootApplication
@EnableResilientMethods
public class InventoryApplication {

    public static void main(String[] args) {
        SpringApplication.run(InventoryApplication.class, args);
    }
}
