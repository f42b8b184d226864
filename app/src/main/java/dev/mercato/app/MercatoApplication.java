package dev.mercato.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The composition root: one process that boots every capability on its own store. */
@SpringBootApplication(scanBasePackages = "dev.mercato")
public class MercatoApplication {

    public static void main(String[] args) {
        SpringApplication.run(MercatoApplication.class, args);
    }
}
