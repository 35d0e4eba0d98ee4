package org.mailward.bench.phi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.util.MimeUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The corpus itself: deterministic, big enough, split about 70/30 by id, well-formed MIME, and labelled
 * truthfully — each needle of a message whose PHI sits behind only a transfer encoding or charset is found
 * again in the text a standard MIME decoder (mime4j) recovers. No detector is involved.
 */
class CorpusGeneratorTest {
  static List<LabelledMessage> corpus;

  @BeforeAll
  static void generate() {
    corpus = new CorpusGenerator(CorpusGenerator.DEFAULT_SEED).generate(CorpusGenerator.FULL);
  }

  @Test
  void theSameSeed_yieldsTheSameBytes_andAnotherSeed_otherMessages() {
    LabelledMessage again = new CorpusGenerator(CorpusGenerator.DEFAULT_SEED).message(Category.ENCODING, 17);
    LabelledMessage other = new CorpusGenerator(7).message(Category.ENCODING, 17);
    LabelledMessage first = corpus.stream().filter(m -> m.id().equals("D-0017")).findFirst().orElseThrow();
    assertThat(again.eml()).isEqualTo(first.eml());
    assertThat(other.eml()).isNotEqualTo(first.eml());
  }

  @Test
  void fullCorpus_hasAtLeast600Messages_withEveryCategoryAndTechnique() {
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(600);
    assertThat(corpus.stream().map(LabelledMessage::id).distinct()).hasSize(corpus.size());
    Set<Category> seen = EnumSet.noneOf(Category.class);
    corpus.forEach(m -> seen.add(m.category()));
    assertThat(seen).containsExactlyInAnyOrder(Category.values());
    List<String> techniques = corpus.stream().map(LabelledMessage::technique).distinct().toList();
    assertThat(techniques).containsAll(EvasionMail.TECHNIQUES).containsAll(PhiMail.ATTACHMENT_TECHNIQUES)
        .containsAll(CleanMail.NEAR_MISS_TECHNIQUES).containsAll(CleanMail.CLEAN_TECHNIQUES);
    assertThat(corpus.stream().filter(LabelledMessage::phi)).allMatch(m -> !m.needles().isEmpty() && !m.where().isEmpty());
    assertThat(corpus.stream().filter(m -> !m.phi())).allMatch(m -> m.needles().isEmpty() && m.where().isEmpty());
  }

  @Test
  void heldOutSplit_isAboutThirtyPercentOfEveryCategory_andHoldsEveryTechnique() {
    for (Category c : Category.values()) {
      List<LabelledMessage> in = corpus.stream().filter(m -> m.category() == c).toList();
      long heldOut = in.stream().filter(LabelledMessage::heldOut).count();
      assertThat((double) heldOut / in.size()).as(c.name()).isBetween(0.25, 0.35);
      for (String technique : in.stream().map(LabelledMessage::technique).distinct().toList()) {
        assertThat(in.stream().filter(m -> m.technique().equals(technique)))
            .as(technique).anyMatch(LabelledMessage::heldOut).anyMatch(m -> !m.heldOut());
      }
    }
  }

  @Test
  void everyMessage_isStrictlyParseableMime_withCrlfLinesUnder998Octets() throws Exception {
    for (LabelledMessage m : corpus) {
      String raw = new String(m.eml(), StandardCharsets.ISO_8859_1);
      assertThat(raw.replace("\r\n", "")).as(m.id()).doesNotContain("\n").doesNotContain("\r");
      for (String line : raw.split("\r\n")) {
        assertThat(line.length()).as(m.id()).isLessThanOrEqualTo(998);
      }
      Decoded d = decode(m.eml());
      assertThat(d.parts()).as(m.id()).isNotEmpty();
      assertThat(d.subject()).as(m.id()).isNotBlank();
    }
  }

  @Test
  void needles_areInTheDecodedText_whenOnlyTransferEncodingAndCharsetStandInTheWay() throws Exception {
    Set<String> decodable = Set.of("subject", "qp-soft-break-plain", "qp-latin1", "latin1-8bit", "base64-plain",
        "utf16-bom", "utf16le-declared", "rfc2047-subject-b", "rfc2047-subject-q", "txt-visit-summary", "csv-patient-list",
        "csv-base64");
    int checked = 0;
    for (LabelledMessage m : corpus) {
      if (!(m.category() == Category.BODY || decodable.contains(m.technique()))) {
        continue;
      }
      Decoded d = decode(m.eml());
      String text = d.subject() + "\n" + String.join("\n", d.parts());
      if (m.category() == Category.BODY && m.technique().equals("body-html")) {
        text = text.replace("&amp;", "&").replace("&#39;", "'").replace("<br>\r\n", "\n");
      }
      for (String needle : m.needles()) {
        assertThat(text).as(m.id() + " " + m.technique()).contains(needle);
      }
      checked++;
    }
    assertThat(checked).isGreaterThan(250);
  }

  @Test
  void evasions_keepWhatTheReaderSees_afterNfkcAndDroppingFormatCharacters() {
    String name = "Oluwaseun Achterberg 0482-19";
    assertThat(nfkcWithoutFormat(Evasions.fullWidth(name))).isEqualTo(name);
    assertThat(nfkcWithoutFormat(Evasions.zeroWidth(name, new java.util.Random(1)))).isEqualTo(name);
    assertThat(nfkcWithoutFormat(Evasions.softHyphens(name))).isEqualTo(name);
    assertThat(Evasions.zeroWidth(name, new java.util.Random(1))).isNotEqualTo(name);
    assertThat(Evasions.cyrillic(name)).isNotEqualTo(name).hasSameSizeAs(name);
    assertThat(Evasions.htmlComments(name).replace("<!-- -->", "")).isEqualTo(name);
    assertThat(Evasions.htmlTags(name, new java.util.Random(3)).replaceAll("<[^>]+>", "")).isEqualTo(name);
  }

  private static String nfkcWithoutFormat(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFKC).codePoints()
        .filter(cp -> Character.getType(cp) != Character.FORMAT)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
  }

  record Decoded(String subject, List<String> parts) {}

  /** Parses with mime4j in strict mode, transfer-decodes and charset-decodes every leaf part. */
  static Decoded decode(byte[] eml) throws Exception {
    List<String> parts = new ArrayList<>();
    String[] subject = {""};
    MimeStreamParser parser = new MimeStreamParser(MimeConfig.STRICT);
    parser.setContentDecoding(true);
    parser.setContentHandler(new AbstractContentHandler() {
      int depth;

      @Override
      public void startMessage() {
        depth++;
      }

      @Override
      public void endMessage() {
        depth--;
      }

      @Override
      public void field(Field field) {
        if (depth == 1 && field.getName().equalsIgnoreCase("Subject")) {
          subject[0] = DecoderUtil.decodeEncodedWords(MimeUtil.unfold(field.getBody()), DecodeMonitor.STRICT);
        }
      }

      @Override
      public void body(BodyDescriptor bd, InputStream is) throws IOException {
        Charset cs = bd.getCharset() == null ? StandardCharsets.US_ASCII : Charset.forName(bd.getCharset());
        parts.add(new String(is.readAllBytes(), cs));
      }
    });
    parser.parse(new ByteArrayInputStream(eml));
    return new Decoded(subject[0], parts);
  }
}
