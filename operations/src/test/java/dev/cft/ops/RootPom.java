package dev.cft.ops;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The root {@code pom.xml}: its modules and properties. */
record RootPom(List<String> modules, Element properties) {

  static RootPom read(Path root) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document pom = factory.newDocumentBuilder().parse(root.resolve("pom.xml").toFile());
      List<String> modules = new ArrayList<>();
      NodeList moduleNodes = pom.getElementsByTagName("module");
      for (int i = 0; i < moduleNodes.getLength(); i++) {
        modules.add(moduleNodes.item(i).getTextContent().trim());
      }
      return new RootPom(
          List.copyOf(modules), (Element) pom.getElementsByTagName("properties").item(0));
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + root.resolve("pom.xml"), e);
    }
  }

  String property(String name) {
    for (Node child = properties.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element element && element.getTagName().equals(name)) {
        return element.getTextContent().trim();
      }
    }
    throw new AssertionError("pom.xml: no property " + name);
  }
}
