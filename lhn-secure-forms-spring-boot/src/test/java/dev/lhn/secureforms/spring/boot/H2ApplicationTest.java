package dev.lhn.secureforms.spring.boot;

import org.springframework.boot.test.context.SpringBootTest;

/** The tiny app on embedded H2, with the actuator's meter registry and health. */
@SpringBootTest(classes = TinyApp.class, properties = {
    "spring.datasource.url=jdbc:h2:mem:lsf_boot_app;DB_CLOSE_DELAY=-1",
    "lhn.secure-forms.kek.uri=fake-kms://projects/test/keys/kek",
    "lhn.secure-forms.jdbc.create-schema=true",
    "lhn.secure-forms.purge.interval=1s",
    "lhn.secure-forms.health.kek-probe-cache=0s"})
class H2ApplicationTest extends AbstractApplicationTest {}
