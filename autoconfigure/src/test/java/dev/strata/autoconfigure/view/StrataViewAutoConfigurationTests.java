package dev.strata.autoconfigure.view;

import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.autoconfigure.transaction.StrataTemplate;
import dev.strata.autoconfigure.transaction.StrataTransactionAutoConfiguration;
import dev.strata.engine.ColumnFamilyNotFoundException;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link StrataViewAutoConfiguration}: JSON with the application's mapper, strings and bytes without, off, replaced. */
class StrataViewAutoConfigurationTests {

    @TempDir
    Path dir;

    record Item(String sku, long quantity) {
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(StrataAutoConfiguration.class,
                        StrataTransactionAutoConfiguration.class, StrataViewAutoConfiguration.class))
                .withPropertyValues("strata.path=" + dir, "strata.column-families=items");
    }

    @Configuration(proxyBeanMethods = false)
    static class WithMapper {
        @Bean
        JsonMapper jsonMapper() {
            return JsonMapper.builder().build();
        }
    }

    @Test
    void withTheApplicationsJsonMapperValuesAreStoredAsItsJson() {
        runner().withUserConfiguration(WithMapper.class).run(context -> {
            StrataObjectCodecs codecs = context.getBean(StrataObjectCodecs.class);
            assertThat(codecs).isInstanceOf(JacksonObjectCodecs.class);
            assertThat(((JacksonObjectCodecs) codecs).mapper()).isSameAs(context.getBean(JsonMapper.class));
            StrataViews views = context.getBean(StrataViews.class);
            StrataTypedView<Item> items = views.view("items", "item/", Item.class);
            items.put("lamp", new Item("lamp", 12));
            assertThat(items.get("lamp")).contains(new Item("lamp", 12));
            byte[] stored = context.getBean(StrataDatabase.class).columnFamily("items")
                    .get("item/lamp".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(stored, StandardCharsets.UTF_8)).isEqualTo("{\"sku\":\"lamp\",\"quantity\":12}");
            assertThat(views.codec(String.class)).as("strings stay UTF-8, not JSON").isSameAs(StrataCodecs.utf8());
            assertThat(views.template()).isSameAs(context.getBean(StrataTemplate.class));
        });
    }

    @Test
    void withoutAJsonMapperOnlyStringsAndBytesHaveACodec() {
        runner().run(context -> {
            StrataViews views = context.getBean(StrataViews.class);
            StrataTypedView<String> notes = views.view(StrataViews.DEFAULT_FAMILY, String.class);
            notes.put("n1", "hello");
            assertThat(context.getBean(StrataDatabase.class).get("n1".getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
            assertThat(views.view("items", byte[].class).codec()).isSameAs(StrataCodecs.bytes());
            assertThatThrownBy(() -> views.view("items", Item.class)).isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining(Item.class.getName()).hasMessageContaining("Jackson");
        });
        runner().withClassLoader(new FilteredClassLoader("tools.jackson")).run(context -> {
            assertThat(context.getBean(StrataObjectCodecs.class)).isNotInstanceOf(JacksonObjectCodecs.class);
            assertThat(context.getBean(StrataViews.class).codec(String.class)).isSameAs(StrataCodecs.utf8());
        });
    }

    @Test
    void aViewOfAFamilyThatDoesNotExistIsRefused() {
        runner().run(context -> {
            StrataViews views = context.getBean(StrataViews.class);
            assertThatThrownBy(() -> views.view("nope", String.class)).isInstanceOf(ColumnFamilyNotFoundException.class);
            assertThatThrownBy(() -> views.view(null, String.class)).isInstanceOf(InvalidArgumentException.class);
            String defaultName = context.getBean(StrataDatabase.class).defaultColumnFamily().name();
            assertThat(views.view(defaultName, String.class).family().id()).isZero();
        });
    }

    @Test
    void offByPropertyReplacedByTheApplicationsAndWorkingWithoutTheTemplateBean() {
        runner().withPropertyValues("strata.views.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean(StrataViews.class).doesNotHaveBean(StrataObjectCodecs.class));
        runner().withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context.getBean(StrataViews.class)).isSameAs(context.getBean("myViews"));
            assertThat(context.getBean(StrataObjectCodecs.class)).isSameAs(context.getBean("myCodecs"));
        });
        runner().withPropertyValues("strata.transaction.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(StrataTemplate.class).hasSingleBean(StrataViews.class);
            StrataTypedView<String> notes = context.getBean(StrataViews.class).view("items", String.class);
            notes.put("k", "v");
            assertThat(notes.get("k")).contains("v");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        @Bean
        StrataObjectCodecs myCodecs() {
            return StrataObjectCodecs.basic();
        }

        @Bean
        StrataViews myViews(StrataDatabase db, dev.strata.autoconfigure.StrataColumnFamilies families) {
            return new StrataViews(new StrataTemplate(db), families, StrataObjectCodecs.basic());
        }
    }
}
