package org.mailward.bench.load;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/**
 * The PDF attachment of load profile P6: a marketing brochure of about a
 * chosen size, as an ESP sends one. One page of PHI-free text (Flate
 * compressed, Helvetica) per 256 KB of target size, each with a photo-like
 * noise image (which does not compress) sized so the file comes to about the
 * target. The text is real page text, so the PHI scan extracts it with PDFBox
 * like any attachment. Does not: contain names, dates, numbers or anything
 * else a PHI detector flags (P6 is marketing mail and must pass).
 *
 * <p>Not {@code Attachments.pdf} of relay-testkit: that is one page of given
 * lines, while the bench needs a size-controlled, multi-page file with images.
 */
final class BrochurePdf {
  private static final int BYTES_PER_PAGE = 256 * 1024;
  private static final String[] WORDS = ("wellness season family care team visit online portal healthy recipes "
      + "walking program community event free workshop nutrition tips sleep hydration stretch balance mindful "
      + "morning evening weekend offer members exclusive update learn more discover guide checklist savings plan "
      + "benefits coverage question answer support friendly garden yoga cycling swimming").split(" ");

  private BrochurePdf() {}

  /** A brochure PDF of about {@code targetBytes} (within a few percent; at least a few KB). */
  static byte[] ofSize(int targetBytes) {
    int pages = Math.max(1, targetBytes / BYTES_PER_PAGE);
    Random random = new Random(11);
    try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream(targetBytes + 65536)) {
      PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
      // RGB noise stores 3 bytes per pixel; leave ~6 KB per page for the text and the page objects.
      int pixels = Math.max(1, (targetBytes / pages - 6 * 1024) / 3);
      int side = Math.max(1, (int) Math.sqrt(pixels));
      for (int p = 0; p < pages; p++) {
        PDPage page = new PDPage();
        doc.addPage(page);
        PDImageXObject image = LosslessFactory.createFromImage(doc, noise(random, side));
        try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
          cs.drawImage(image, 50, 420, 300, 300);
          cs.beginText();
          cs.setFont(font, 9);
          cs.setLeading(11);
          cs.newLineAtOffset(50, 400);
          cs.showText("Spring wellness guide: events and tips from your care team.");
          for (int l = 0; l < 32; l++) {
            cs.newLine();
            cs.showText(line(random));
          }
          cs.endText();
        }
      }
      doc.save(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static BufferedImage noise(Random random, int side) {
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        img.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    return img;
  }

  private static String line(Random random) {
    StringBuilder sb = new StringBuilder();
    while (sb.length() < 95) {
      String w = WORDS[random.nextInt(WORDS.length)];
      sb.append(sb.length() == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w).append(' ');
    }
    return sb.toString().trim() + ".";
  }
}
